-- The core war-room model: incidents, their timeline, restore milestones,
-- accountability and the compensation fund. Money is fen in bigint; every
-- time is timestamptz and shown in the incident's own time zone.

-- +goose Up
CREATE TABLE incidents (
    id          bigserial PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    title       text NOT NULL CHECK (btrim(title) <> ''),
    summary     text NOT NULL DEFAULT '',
    time_zone   text NOT NULL DEFAULT 'UTC' CHECK ((timestamptz '2000-01-01 00:00Z' AT TIME ZONE time_zone) IS NOT NULL),
    status      text NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'monitoring', 'resolved')),
    severity    text NOT NULL DEFAULT 'sev2'
                CHECK (severity IN ('sev1', 'sev2', 'sev3', 'sev4')),
    started_at  timestamptz NOT NULL,
    resolved_at timestamptz CHECK (resolved_at IS NULL OR resolved_at >= started_at),
    created_at  timestamptz NOT NULL DEFAULT now(),
    version     integer NOT NULL DEFAULT 1,
    CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
);

CREATE TABLE timeline_entries (
    id            bigserial PRIMARY KEY,
    incident_id   bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN ('window', 'outage', 'restore', 'recovery',
                      'rehearsal', 'cutover', 'comms', 'note')),
    title         text NOT NULL CHECK (btrim(title) <> ''),
    body          text NOT NULL DEFAULT '',
    -- 'day' when only the date is known (the statement says "2020-02-25").
    precision     text NOT NULL DEFAULT 'minute' CHECK (precision IN ('minute', 'day')),
    planned_start timestamptz,
    planned_end   timestamptz,
    actual_start  timestamptz,
    actual_end    timestamptz,
    author        text NOT NULL DEFAULT session_user,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    version       integer NOT NULL DEFAULT 1,
    CHECK (planned_start IS NOT NULL OR actual_start IS NOT NULL),
    CHECK (planned_end IS NULL OR planned_start IS NULL OR planned_end >= planned_start),
    CHECK (actual_end IS NULL OR actual_start IS NULL OR actual_end >= actual_start)
);
CREATE INDEX timeline_entries_incident_at
    ON timeline_entries (incident_id, (COALESCE(actual_start, planned_start)), id);

CREATE TABLE milestones (
    id            bigserial PRIMARY KEY,
    incident_id   bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    key           text NOT NULL CHECK (key ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
    title         text NOT NULL CHECK (btrim(title) <> ''),
    owner         text NOT NULL DEFAULT '',
    status        text NOT NULL DEFAULT 'planned'
                  CHECK (status IN ('planned', 'in_progress', 'blocked', 'done')),
    progress      smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    position      integer NOT NULL,
    planned_start timestamptz,
    planned_end   timestamptz,
    actual_start  timestamptz,
    actual_end    timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    text NOT NULL DEFAULT session_user,
    version       integer NOT NULL DEFAULT 1,
    UNIQUE (incident_id, key),
    CHECK (status <> 'done' OR progress = 100)
);

-- Every change to a milestone's status or progress, oldest first.
CREATE TABLE milestone_updates (
    id            bigserial PRIMARY KEY,
    milestone_id  bigint NOT NULL REFERENCES milestones (id) ON DELETE CASCADE,
    at            timestamptz NOT NULL DEFAULT now(),
    author        text NOT NULL DEFAULT session_user,
    from_status   text,
    to_status     text NOT NULL,
    from_progress smallint,
    to_progress   smallint NOT NULL CHECK (to_progress BETWEEN 0 AND 100),
    note          text NOT NULL DEFAULT ''
);
CREATE INDEX milestone_updates_milestone_at ON milestone_updates (milestone_id, at);

CREATE TABLE people (
    id          bigserial PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (btrim(name) <> ''),
    native_name text NOT NULL DEFAULT '',
    title       text NOT NULL DEFAULT '',
    UNIQUE (incident_id, name)
);

-- What each person answered for, in the order the statement gives.
CREATE TABLE findings (
    id          bigserial PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    person_id   bigint NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    position    integer NOT NULL,
    finding     text NOT NULL,
    consequence text NOT NULL DEFAULT ''
);

CREATE TABLE remediation_measures (
    id          bigserial PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    position    integer NOT NULL,
    title       text NOT NULL CHECK (btrim(title) <> ''),
    summary     text NOT NULL DEFAULT '',
    UNIQUE (incident_id, position)
);

CREATE TABLE action_items (
    id          bigserial PRIMARY KEY,
    measure_id  bigint NOT NULL REFERENCES remediation_measures (id) ON DELETE CASCADE,
    position    integer NOT NULL,
    title       text NOT NULL CHECK (btrim(title) <> ''),
    owner       text NOT NULL DEFAULT '',
    status      text NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'in_progress', 'done', 'dropped')),
    due         date,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    version     integer NOT NULL DEFAULT 1,
    UNIQUE (measure_id, position)
);

-- One compensation fund per incident. The baseline and outage windows are
-- the incident's data: the cash formula reads them from here.
CREATE TABLE funds (
    incident_id    bigint PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
    currency       text NOT NULL DEFAULT 'CNY' CHECK (currency ~ '^[A-Z]{3}$'),
    baseline_start timestamptz,
    baseline_end   timestamptz,
    outage_start   timestamptz,
    outage_end     timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (baseline_end IS NULL OR baseline_start IS NULL OR baseline_end > baseline_start),
    CHECK (outage_end IS NULL OR outage_start IS NULL OR outage_end > outage_start)
);

CREATE TABLE contributors (
    id          bigserial PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES funds (incident_id) ON DELETE CASCADE,
    person_id   bigint REFERENCES people (id) ON DELETE SET NULL,
    name        text NOT NULL CHECK (btrim(name) <> ''),
    native_name text NOT NULL DEFAULT '',
    role        text NOT NULL DEFAULT '',
    position    integer NOT NULL,
    pledged_fen bigint NOT NULL CHECK (pledged_fen >= 0),
    pledged_at  timestamptz,
    UNIQUE (incident_id, name)
);

-- Money actually received from a contributor (pledges are minimums; real
-- transfers may differ).
CREATE TABLE contributions (
    id             bigserial PRIMARY KEY,
    contributor_id bigint NOT NULL REFERENCES contributors (id) ON DELETE CASCADE,
    amount_fen     bigint NOT NULL CHECK (amount_fen > 0),
    received_at    timestamptz NOT NULL,
    reference      text NOT NULL DEFAULT ''
);

CREATE TABLE merchants (
    id          bigserial PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    merchant_id text NOT NULL CHECK (btrim(merchant_id) <> ''),
    name        text NOT NULL DEFAULT '',
    industry    text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (incident_id, merchant_id)
);

-- One claim per merchant. amount_fen is what the claim costs the fund: the
-- cash compensation, or the internal value of the in-kind plan.
CREATE TABLE claims (
    id          bigserial PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    merchant_id bigint NOT NULL UNIQUE REFERENCES merchants (id) ON DELETE CASCADE,
    plan        text CHECK (plan IN ('cash', 'traffic')),
    state       text NOT NULL DEFAULT 'computed'
                CHECK (state IN ('computed', 'chosen', 'approved', 'paid', 'rejected')),
    amount_fen  bigint NOT NULL DEFAULT 0 CHECK (amount_fen >= 0),
    computed_at timestamptz NOT NULL DEFAULT now(),
    chosen_at   timestamptz,
    approved_at timestamptz,
    paid_at     timestamptz,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    version     integer NOT NULL DEFAULT 1,
    CHECK (state IN ('computed', 'rejected') OR plan IS NOT NULL)
);
CREATE INDEX claims_incident_state ON claims (incident_id, state);

-- Append-only: a payout is never edited; the idempotency key makes a retried
-- payment a no-op instead of a second payment.
CREATE TABLE payouts (
    id              bigserial PRIMARY KEY,
    incident_id     bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    claim_id        bigint NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    amount_fen      bigint NOT NULL CHECK (amount_fen > 0),
    paid_at         timestamptz NOT NULL DEFAULT now(),
    idempotency_key text NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT session_user
);
CREATE INDEX payouts_incident_paid_at ON payouts (incident_id, paid_at);
CREATE INDEX payouts_claim ON payouts (claim_id);

-- +goose Down
DROP TABLE payouts, claims, merchants, contributions, contributors, funds,
    action_items, remediation_measures, findings, people, milestone_updates,
    milestones, timeline_entries, incidents;
