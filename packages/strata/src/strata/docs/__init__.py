"""`strata docs`: schema documentation read from a migrated database, never written by hand."""
