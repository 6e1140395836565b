"""`strata drift`: does a live database still match what its migration files build?

Production changes behind the migrations' back: an index dropped by hand, an HNSW
index rebuilt with other parameters, an INVALID index left by a failed concurrent
build. Drift reads the live catalog in a read-only transaction, builds the
reference on a scratch database migrated to the revision the live one records,
reads both with the same catalog functions, and lists every difference.
"""
