"""Code Story's data layer (seed 003, Plan 01-02), built on strata."""
