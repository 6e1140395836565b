"""Every Code Story model: `from codestory.models import *` exports them all."""

from codestory.models.base import Base
from codestory.models.intent import StoryIntent
from codestory.models.story import Repository, Story, StoryChapter
from codestory.models.user import APIKey, User

__all__ = ["APIKey", "Base", "Repository", "Story", "StoryChapter", "StoryIntent", "User"]
