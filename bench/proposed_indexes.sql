-- Index proposed in bench/RESULTS.md for full-name prefix search at national scale.
-- Not part of the migrations: apply by hand to a benchmark database to measure the proposal
--   psql -h 127.0.0.1 -U postgres capuy_bench -f bench/proposed_indexes.sql
-- LIKE 'prefix%' on a C-collated expression is an index range, and the same index returns the
-- rows already ordered, so "first 50 matches by full name" reads 50 index entries.
SET maintenance_work_mem = '1GB';
CREATE INDEX IF NOT EXISTS member_search_c ON members_member ((search_text COLLATE "C"), id);
ANALYZE members_member;
