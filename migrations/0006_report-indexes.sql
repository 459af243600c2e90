-- Up Migration
-- The reports (issue 17) read the event log by type and period, and look up a case's closing
-- step; and the samordnare's goals for them are kept as versions, like the rules.
CREATE INDEX case_event_by_type ON case_event (type, at);
CREATE INDEX case_event_closing ON case_event (case_ref, at) WHERE data ? 'closesCase';
-- The step a report joins to (the handover sent, the meeting held, the dispute decided) by its
-- case, without reading every such step ever logged.
CREATE INDEX case_event_by_case_type ON case_event (case_ref, type);
-- Open cases at a period's end read every case ever opened: from the index alone.
CREATE INDEX case_event_opened ON case_event (at) INCLUDE (case_ref, unit, case_kind, kon, aldersgrupp) WHERE type = 'oppnat';
-- With `at` in the order of insertion the planner took this index for every period, reading all
-- of the period's steps to keep one type's (npm run bench:reports: 380 000 read for 40 000 kept
-- a year); (type, at) serves the same queries, and nothing reads by time alone.
DROP INDEX case_event_by_time;

CREATE TABLE report_goal_version (
  scope text NOT NULL,
  version integer NOT NULL,
  goals jsonb NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  reason text NOT NULL,
  PRIMARY KEY (scope, version)
);

-- Down Migration
DROP TABLE report_goal_version;
CREATE INDEX case_event_by_time ON case_event (at);
DROP INDEX case_event_opened;
DROP INDEX case_event_by_case_type;
DROP INDEX case_event_closing;
DROP INDEX case_event_by_type;
