"""Course Supporter's data layer (seed S1-005), built on strata."""
