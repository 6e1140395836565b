"""Study Assistant's data layer (seed 002, Step 02), built on strata."""
