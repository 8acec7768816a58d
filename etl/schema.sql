-- The warehouse.  Read top to bottom: reference data, the batch log, then one
-- *_rows table per dataset holding every version of every row, and a view of
-- the same name without "_rows" holding only the current rows.
--
-- Why versions: a monthly reload replaces the rows of the same unit and period,
-- but the replaced rows are kept (retired_by = the batch that replaced them) so
-- that rolling the new batch back restores them exactly.  A row is current
-- while retired_by IS NULL.  Dashboards read the views only.

-- One row per organisational unit: 泉州市, its county-level divisions, their
-- towns/subdistricts.  Codes nest: a town's code starts with its county's.
CREATE TABLE IF NOT EXISTS org_units (
    code        VARCHAR PRIMARY KEY,
    level       VARCHAR NOT NULL CHECK (level IN ('province', 'city', 'county', 'town')),
    kind        VARCHAR,            -- 地级市 / 市辖区 / 县 / 县级市 / 镇 / 街道 / 乡
    name_zh     VARCHAR NOT NULL,   -- 安海镇
    short_zh    VARCHAR NOT NULL,   -- 安海
    name_en     VARCHAR NOT NULL,   -- Anhai Town
    parent_code VARCHAR,
    lon         DOUBLE,             -- approximate centre, WGS-84
    lat         DOUBLE,
    reporting   BOOLEAN NOT NULL DEFAULT true  -- false: files no reports (金门县 and its towns)
);
-- Warehouses built before the column existed get it here (init, or the app's
-- first start after an upgrade: etl.pipeline.upgrade).
ALTER TABLE org_units ADD COLUMN IF NOT EXISTS reporting BOOLEAN DEFAULT true;

-- One row per load of one dataset from one file.
CREATE SEQUENCE IF NOT EXISTS batch_ids START 1;
CREATE TABLE IF NOT EXISTS load_batches (
    batch_id        INTEGER PRIMARY KEY DEFAULT nextval('batch_ids'),
    dataset         VARCHAR NOT NULL,
    file_name       VARCHAR NOT NULL,   -- as the user named it; shown, never used as a path
    sha256          VARCHAR NOT NULL,   -- the archived original is data/archive/<sha256><ext>
    sheets          VARCHAR[],
    row_count       INTEGER NOT NULL,
    units           VARCHAR[],          -- town codes touched
    periods         VARCHAR[],          -- '2024-07', '2024', or contract/station ids' periods
    loaded_at       TIMESTAMP NOT NULL,
    loaded_by       VARCHAR NOT NULL,
    status          VARCHAR NOT NULL CHECK (status IN ('active', 'rolled_back', 'superseded')),
    rolled_back_at  TIMESTAMP,
    note            VARCHAR             -- e.g. "roster: 37 people aggregated, no personal data kept"
);

-- 职工医疗互助: one row per month per town per scheme.
CREATE TABLE IF NOT EXISTS mutual_aid_rows (
    batch_id          INTEGER NOT NULL,
    retired_by        INTEGER,
    month             DATE NOT NULL,        -- first day of the month
    town_code         VARCHAR NOT NULL,
    scheme            VARCHAR NOT NULL,
    members_enrolled  INTEGER,              -- stock at month end
    new_enrolments    INTEGER,              -- flow
    claims            INTEGER,              -- flow (补助人次)
    claims_paid_yuan  DECIMAL(14, 2)        -- flow (补助金额)
);
CREATE OR REPLACE VIEW mutual_aid AS
    SELECT month, town_code, scheme, members_enrolled, new_enrolments, claims,
           claims_paid_yuan, batch_id
    FROM mutual_aid_rows WHERE retired_by IS NULL;

-- 职工子女暑托班: one row per class per year.
CREATE TABLE IF NOT EXISTS summer_camps_rows (
    batch_id           INTEGER NOT NULL,
    retired_by         INTEGER,
    year               INTEGER NOT NULL,
    town_code          VARCHAR NOT NULL,
    class_name         VARCHAR NOT NULL,
    host_org           VARCHAR,
    class_type         VARCHAR NOT NULL,
    start_date         DATE,
    end_date           DATE,
    children_enrolled  INTEGER NOT NULL,
    new_form_children  INTEGER,             -- of children_enrolled: 外卖/快递/网约车 workers' children
    capacity           INTEGER,
    meal_fee_yuan      DECIMAL(8, 2)
);
CREATE OR REPLACE VIEW summer_camps AS
    SELECT year, town_code, class_name, host_org, class_type, start_date, end_date,
           children_enrolled, new_form_children, capacity, meal_fee_yuan, batch_id
    FROM summer_camps_rows WHERE retired_by IS NULL;

-- 集体合同: one row per contract.
CREATE TABLE IF NOT EXISTS collective_contracts_rows (
    batch_id             INTEGER NOT NULL,
    retired_by           INTEGER,
    contract_id          VARCHAR NOT NULL,
    town_code            VARCHAR NOT NULL,
    contract_type        VARCHAR NOT NULL,
    party_name           VARCHAR NOT NULL,
    signed_date          DATE NOT NULL,
    expiry_date          DATE NOT NULL,
    enterprises_covered  INTEGER NOT NULL,
    workers_covered      INTEGER NOT NULL
);
CREATE OR REPLACE VIEW collective_contracts AS
    SELECT contract_id, town_code, contract_type, party_name, signed_date, expiry_date,
           enterprises_covered, workers_covered, batch_id
    FROM collective_contracts_rows WHERE retired_by IS NULL;

-- 工会驿站 register: one row per station.
CREATE TABLE IF NOT EXISTS stations_rows (
    batch_id      INTEGER NOT NULL,
    retired_by    INTEGER,
    station_id    VARCHAR NOT NULL,
    station_name  VARCHAR NOT NULL,
    town_code     VARCHAR NOT NULL,
    address       VARCHAR,
    lon           DOUBLE NOT NULL,     -- as captured
    lat           DOUBLE NOT NULL,
    crs           VARCHAR NOT NULL CHECK (crs IN ('WGS84', 'GCJ02', 'BD09')),
    lon_wgs84     DOUBLE NOT NULL,     -- what maps draw
    lat_wgs84     DOUBLE NOT NULL,
    host_type     VARCHAR,
    opened_date   DATE,
    facilities    VARCHAR
);
CREATE OR REPLACE VIEW stations AS
    SELECT station_id, station_name, town_code, address, lon, lat, crs, lon_wgs84, lat_wgs84,
           host_type, opened_date, facilities, batch_id
    FROM stations_rows WHERE retired_by IS NULL;

-- 驿站服务人次: one row per month per station per visitor group.
-- town_code is the station's town when loaded, so a town's monthly report
-- replaces exactly that town's month.
CREATE TABLE IF NOT EXISTS station_visits_rows (
    batch_id        INTEGER NOT NULL,
    retired_by      INTEGER,
    month           DATE NOT NULL,
    station_id      VARCHAR NOT NULL,
    town_code       VARCHAR NOT NULL,
    visitor_group   VARCHAR NOT NULL,
    visits          INTEGER NOT NULL,
    rest            INTEGER,
    meal_heating    INTEGER,
    drinking_water  INTEGER,
    charging        INTEGER,
    medical         INTEGER
);
CREATE OR REPLACE VIEW station_visits AS
    SELECT month, station_id, town_code, visitor_group, visits, rest, meal_heating,
           drinking_water, charging, medical, batch_id
    FROM station_visits_rows WHERE retired_by IS NULL;
