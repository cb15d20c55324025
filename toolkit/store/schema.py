"""The store's schema: forward migrations, applied in order, one transaction each."""

from __future__ import annotations

__all__ = ["MIGRATIONS", "SCHEMA_VERSION"]

#: Forward migrations, applied in order to bring any older store up to date. Never edit a
#: released entry: add a new one. Each entry is run as one transaction.
MIGRATIONS: list[str] = [
    # 1: people and their sign-ups, and room for pairings, draws, meetings and feedback.
    """
    CREATE TABLE people (
        email TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        department TEXT NOT NULL,
        grade TEXT NOT NULL,
        level INTEGER NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('mentor', 'mentee', 'both', 'none')),
        line_manager_email TEXT,
        capacity INTEGER NOT NULL DEFAULT 1 CHECK (capacity >= 0),
        topics TEXT NOT NULL DEFAULT '',
        meeting_mode TEXT NOT NULL DEFAULT 'either',
        gender TEXT NOT NULL DEFAULT '',
        mentor_gender_preference TEXT NOT NULL DEFAULT '',
        extra TEXT NOT NULL DEFAULT '{}',
        first_cohort TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        cohort TEXT NOT NULL,
        source TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        rows_imported INTEGER NOT NULL,
        rows_skipped INTEGER NOT NULL,
        imported_at TEXT NOT NULL
    );
    CREATE TABLE signups (
        email TEXT NOT NULL REFERENCES people(email),
        cohort TEXT NOT NULL,
        role TEXT NOT NULL,
        capacity INTEGER NOT NULL,
        import_id INTEGER REFERENCES imports(id),
        PRIMARY KEY (email, cohort)
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        cohort TEXT,
        settings TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE pairs (
        id INTEGER PRIMARY KEY,
        scheme TEXT NOT NULL DEFAULT 'mentoring',
        cohort TEXT NOT NULL,
        mentee_email TEXT NOT NULL,
        mentor_email TEXT NOT NULL,
        score REAL,
        components TEXT NOT NULL DEFAULT '{}',
        status TEXT NOT NULL DEFAULT 'proposed',
        start_date TEXT,
        term_end TEXT,
        renewals INTEGER NOT NULL DEFAULT 0,
        run_id INTEGER REFERENCES runs(id),
        created_at TEXT NOT NULL
    );
    CREATE INDEX pairs_mentee ON pairs (mentee_email);
    CREATE INDEX pairs_mentor ON pairs (mentor_email);
    CREATE TABLE pair_events (
        id INTEGER PRIMARY KEY,
        pair_id INTEGER NOT NULL REFERENCES pairs(id),
        from_status TEXT,
        to_status TEXT NOT NULL,
        on_date TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        recorded_at TEXT NOT NULL
    );
    CREATE TABLE draw_rounds (
        round TEXT PRIMARY KEY,
        seed INTEGER NOT NULL,
        week TEXT,
        settings TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL
    );
    CREATE TABLE draws (
        round TEXT NOT NULL REFERENCES draw_rounds(round),
        grp INTEGER NOT NULL,
        email TEXT NOT NULL,
        PRIMARY KEY (round, email)
    );
    CREATE TABLE meetings (
        id INTEGER PRIMARY KEY,
        pair_id INTEGER NOT NULL REFERENCES pairs(id),
        on_date TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('held', 'cancelled')),
        cancelled_by TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        recorded_at TEXT NOT NULL
    );
    CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        cohort TEXT NOT NULL,
        respondent_role TEXT NOT NULL,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        respondent TEXT NOT NULL DEFAULT '',
        recorded_at TEXT NOT NULL
    );
    """,
    # 2: coaching: requests as triaged, the coach pool, sessions and objective scores.
    """
    CREATE TABLE coaching_requests (
        id INTEGER PRIMARY KEY,
        cohort TEXT NOT NULL,
        email TEXT NOT NULL,
        name TEXT NOT NULL,
        department TEXT NOT NULL,
        grade TEXT NOT NULL,
        line_manager_email TEXT,
        manager_approved INTEGER NOT NULL DEFAULT 0,
        cost_approved INTEGER NOT NULL DEFAULT 0,
        need TEXT NOT NULL DEFAULT '[]',
        objectives TEXT NOT NULL DEFAULT '[]',
        meeting_mode TEXT NOT NULL DEFAULT 'either',
        requested_on TEXT,
        route TEXT,
        status TEXT,
        reason TEXT,
        outcome TEXT,
        coach_email TEXT,
        saved_at TEXT NOT NULL,
        UNIQUE (cohort, email)
    );
    CREATE TABLE coaching_coaches (
        id INTEGER PRIMARY KEY,
        cohort TEXT NOT NULL,
        email TEXT NOT NULL,
        name TEXT NOT NULL,
        department TEXT NOT NULL,
        pool TEXT NOT NULL CHECK (pool IN ('internal', 'external')),
        capacity INTEGER NOT NULL DEFAULT 1 CHECK (capacity >= 0),
        specialisms TEXT NOT NULL DEFAULT '[]',
        cost_per_session REAL NOT NULL DEFAULT 0,
        meeting_mode TEXT NOT NULL DEFAULT 'either',
        saved_at TEXT NOT NULL,
        UNIQUE (cohort, email)
    );
    CREATE TABLE coaching_sessions (
        id INTEGER PRIMARY KEY,
        pair_id INTEGER NOT NULL REFERENCES pairs(id),
        on_date TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('chemistry', 'session')),
        recorded_at TEXT NOT NULL,
        UNIQUE (pair_id, on_date, kind)
    );
    CREATE TABLE coaching_objectives (
        pair_id INTEGER NOT NULL REFERENCES pairs(id),
        number INTEGER NOT NULL CHECK (number BETWEEN 1 AND 3),
        objective TEXT NOT NULL DEFAULT '',
        start_score INTEGER CHECK (start_score BETWEEN 1 AND 10),
        end_score INTEGER CHECK (end_score BETWEEN 1 AND 10),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (pair_id, number)
    );
    """,
    # 3: a log of erasures and purges: when, how many people and rows; never who.
    """
    CREATE TABLE erasures (
        id INTEGER PRIMARY KEY,
        erased_at TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('erase', 'purge')),
        people INTEGER NOT NULL CHECK (people >= 0),
        rows_changed INTEGER NOT NULL CHECK (rows_changed >= 0),
        per_table TEXT NOT NULL DEFAULT '{}'
    );
    """,
    # 4: the handbook's year: a private concern log per pair, and each pair's agreed number
    #    of meetings a year (NULL: the scheme's pace). The note is free text, private to the
    #    lead: it is never published in a report and is erased with the person.
    """
    CREATE TABLE concerns (
        id INTEGER PRIMARY KEY,
        pair_id INTEGER NOT NULL REFERENCES pairs(id),
        on_date TEXT NOT NULL,
        category TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        follow_up TEXT,
        closed_on TEXT,
        recorded_at TEXT NOT NULL
    );
    CREATE INDEX concerns_pair ON concerns (pair_id);
    ALTER TABLE pairs ADD COLUMN meetings_per_year INTEGER
        CHECK (meetings_per_year IS NULL OR meetings_per_year >= 1);
    """,
    # 5 (issue 15): the coaching team's registers: approved coaches (accreditation,
    # supervision, agreement), coachees' choices, chemistry outcomes, sessions agreed per
    # coachee, approved amounts and spend.
    """
    CREATE TABLE coaching_approved (
        id INTEGER PRIMARY KEY,
        cohort TEXT NOT NULL,
        email TEXT NOT NULL,
        name TEXT NOT NULL,
        accreditation_body TEXT NOT NULL DEFAULT '',
        accreditation_level TEXT NOT NULL DEFAULT '',
        accreditation_expires TEXT,
        last_supervision TEXT,
        agreement INTEGER NOT NULL DEFAULT 0 CHECK (agreement IN (0, 1)),
        agreement_date TEXT,
        saved_at TEXT NOT NULL,
        UNIQUE (cohort, email)
    );
    CREATE TABLE coaching_choices (
        id INTEGER PRIMARY KEY,
        cohort TEXT NOT NULL,
        coachee_email TEXT NOT NULL,
        coach_email TEXT NOT NULL,
        chosen_on TEXT,
        saved_at TEXT NOT NULL,
        UNIQUE (cohort, coachee_email)
    );
    CREATE TABLE coaching_chemistry (
        id INTEGER PRIMARY KEY,
        cohort TEXT NOT NULL,
        coachee_email TEXT NOT NULL,
        coach_email TEXT NOT NULL,
        went_well INTEGER NOT NULL CHECK (went_well IN (0, 1)),
        on_date TEXT,
        saved_at TEXT NOT NULL,
        UNIQUE (cohort, coachee_email, coach_email)
    );
    CREATE TABLE coaching_agreed (
        id INTEGER PRIMARY KEY,
        cohort TEXT NOT NULL,
        email TEXT NOT NULL,
        sessions INTEGER NOT NULL CHECK (sessions >= 0),
        chemistry INTEGER CHECK (chemistry >= 0),
        months INTEGER CHECK (months >= 1),
        saved_at TEXT NOT NULL,
        UNIQUE (cohort, email)
    );
    CREATE TABLE coaching_spend (
        id INTEGER PRIMARY KEY,
        cohort TEXT NOT NULL,
        email TEXT NOT NULL,
        department TEXT NOT NULL DEFAULT '',
        year TEXT NOT NULL DEFAULT '',
        approved_amount REAL NOT NULL DEFAULT 0 CHECK (approved_amount >= 0),
        spent REAL NOT NULL DEFAULT 0 CHECK (spent >= 0),
        saved_at TEXT NOT NULL,
        UNIQUE (cohort, email, year)
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
