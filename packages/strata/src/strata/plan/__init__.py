"""`strata up --plan` and the data checks `strata up` runs first.

A UNIQUE, NOT NULL, CHECK or FOREIGN KEY that live rows violate is otherwise
found when the revision dies halfway through a deploy, holding its locks. The
constraints a revision adds are read from the catalog of a scratch database
before and after the revision; each is then counted on the live rows in a
read-only transaction, before any migration lock is taken.
"""
