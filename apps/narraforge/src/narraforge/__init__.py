"""NarraForge's data layer (seed 004, KROK 3), built on strata."""
