-- Up Migration
-- The stuck list's read model (issue 18): each handover, meeting and dispute as its workflow last
-- wrote it (workflows/waiting-item-log.ts), because Temporal's SQL visibility cannot ORDER BY and
-- the list paid a count query per step of its search. Ids, units, kinds and moments only: the
-- summary is generated ("Överlämning o3 från mottagning till rvt"), never free text.
-- `seq` rises with every write of a workflow: a late retry of an older write changes nothing.
-- The backfill writes seq 0, below anything a workflow writes. Workflow ids are unique per
-- namespace only, so the namespace is part of the key (as it scopes the rules and the goals).
-- Ids in "C" collation: the API orders ties by code unit, as its cursor compares them.
CREATE TABLE waiting_item (
  namespace text NOT NULL,
  workflow_id text COLLATE "C" NOT NULL,
  case_ref text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('overlamning', 'planeringsmote', 'tvist')),
  units text[] NOT NULL,
  waiting_for text,
  waiting_units text[] NOT NULL DEFAULT '{}',
  waiting_since timestamptz,
  next_deadline timestamptz,
  escalation_level integer NOT NULL DEFAULT 0,
  summary text NOT NULL,
  protected_case boolean NOT NULL DEFAULT false,
  closed boolean NOT NULL DEFAULT false,
  seq bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (namespace, workflow_id)
);
-- The whole list (sektorchef, samordnare) in its order, longest wait first, with what the stuck
-- rule and the filters read: a page and its total from the index alone.
CREATE INDEX waiting_item_by_wait ON waiting_item (namespace, waiting_since, workflow_id)
  INCLUDE (next_deadline, escalation_level, kind)
  WHERE NOT closed AND waiting_since IS NOT NULL;

-- One row per waiting unit of each open, waiting item, written with it: "stuck items waiting on
-- unit X in order" (an enhetschef's list, one unit's counts) is one ordered range of this index.
-- A GIN index on waiting_units could find them, not give them in order.
CREATE TABLE waiting_item_unit (
  namespace text NOT NULL,
  unit text NOT NULL,
  workflow_id text COLLATE "C" NOT NULL,
  waiting_since timestamptz NOT NULL,
  next_deadline timestamptz,
  escalation_level integer NOT NULL,
  kind text NOT NULL,
  PRIMARY KEY (namespace, workflow_id, unit),
  FOREIGN KEY (namespace, workflow_id) REFERENCES waiting_item ON DELETE CASCADE
);
CREATE INDEX waiting_item_unit_by_wait ON waiting_item_unit (namespace, unit, waiting_since, workflow_id)
  INCLUDE (next_deadline, escalation_level, kind);

-- Down Migration
DROP TABLE waiting_item_unit;
DROP TABLE waiting_item;
