-- Up Migration
-- The family (ärendegrupp): cases linked as one family, each link and unlink with who and why.
-- A case is in at most one family at a time (the partial unique index decides a race between two
-- links); unlinked rows stay, for the family's history. The reasons are sealed with the payload
-- keys (free text is never stored readable).
CREATE TABLE family_link (
  id bigserial PRIMARY KEY,
  family_id text NOT NULL,
  case_ref text NOT NULL,
  linked_at timestamptz NOT NULL DEFAULT now(),
  linked_by text NOT NULL,
  linked_unit text NOT NULL,
  link_reason text NOT NULL,
  unlinked_at timestamptz,
  unlinked_by text,
  unlinked_unit text,
  unlink_reason text
);
CREATE UNIQUE INDEX family_link_current ON family_link (case_ref) WHERE unlinked_at IS NULL;
CREATE INDEX family_link_by_family ON family_link (family_id, linked_at);

-- Down Migration
DROP TABLE family_link;
