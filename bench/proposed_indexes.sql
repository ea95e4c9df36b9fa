-- Indexes proposed in bench/RESULTS.md (members: full-name prefix search; organizations: a
-- node's children and the list of roots by depth).
-- Not part of the migrations: apply by hand to a benchmark database to measure the proposal
--   psql -h 127.0.0.1 -U postgres capuy_bench -f bench/proposed_indexes.sql
-- LIKE 'prefix%' on a C-collated expression is an index range, and the same index returns the
-- rows already ordered, so "first 50 matches by full name" reads 50 index entries.
SET maintenance_work_mem = '1GB';
CREATE INDEX IF NOT EXISTS member_search_c ON members_member ((search_text COLLATE "C"), id);
-- "children of P" = depth d+1 and path LIKE 'P%': one short range instead of the whole subtree.
CREATE INDEX IF NOT EXISTS org_depth_path
    ON organizations_organization (depth, path varchar_pattern_ops);
ANALYZE members_member;
ANALYZE organizations_organization;
