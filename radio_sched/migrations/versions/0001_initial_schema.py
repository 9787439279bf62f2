"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('blackouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('date_from', sa.Date(), nullable=False),
    sa.Column('date_to', sa.Date(), nullable=False),
    sa.Column('session', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blackouts')),
    sa.UniqueConstraint('scope', 'date_from', 'date_to', 'session', name=op.f('uq_blackouts_scope_date_from_date_to_session'))
    )
    with op.batch_alter_table('blackouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_blackouts_scope'), ['scope'], unique=False)

    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=True),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('lock_key', sa.String(length=120), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
    sa.UniqueConstraint('lock_key', name=op.f('uq_jobs_lock_key'))
    )
    op.create_table('plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('source_text', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('loaded_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans'))
    )
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plans_year'), ['year'], unique=False)

    op.create_table('segments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('topics', sa.String(length=500), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('producer', sa.String(length=200), nullable=False),
    sa.Column('original_name', sa.String(length=300), nullable=False),
    sa.Column('original_duration_s', sa.Float(), nullable=False),
    sa.Column('duration_s', sa.Float(), nullable=False),
    sa.Column('ready_sha256', sa.String(length=64), nullable=True),
    sa.Column('loudness_lufs', sa.Float(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('approved_by', sa.String(length=80), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_segments')),
    sa.UniqueConstraint('slug', name=op.f('uq_segments_slug'))
    )
    with op.batch_alter_table('segments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_segments_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_segments_scope'), ['scope'], unique=False)
        batch_op.create_index(batch_op.f('ix_segments_sha256'), ['sha256'], unique=False)

    op.create_table('session_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('session', sa.String(length=40), nullable=False),
    sa.Column('start', sa.String(length=5), nullable=False),
    sa.Column('weekdays', sa.String(length=40), nullable=False),
    sa.Column('weekday_mask', sa.Integer(), nullable=False),
    sa.Column('capacity_s', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_templates')),
    sa.UniqueConstraint('scope', 'session', name=op.f('uq_session_templates_scope_session'))
    )
    with op.batch_alter_table('session_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_templates_scope'), ['scope'], unique=False)

    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('unit_type', sa.String(length=40), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('province_code', sa.String(length=12), nullable=False),
    sa.Column('district_code', sa.String(length=12), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['units.id'], name=op.f('fk_units_parent_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('level', 'code', 'valid_from', name=op.f('uq_units_level_code_valid_from'))
    )
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_units_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_units_district_code'), ['district_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_units_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_units_province_code'), ['province_code'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=300), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_rules_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rules')),
    sa.UniqueConstraint('plan_id', 'rule_id', name=op.f('uq_rules_plan_id_rule_id'))
    )
    op.create_table('schedules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('replan_from', sa.Date(), nullable=True),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('solver_status', sa.String(length=20), nullable=False),
    sa.Column('objective', sa.Float(), nullable=True),
    sa.Column('bound', sa.Float(), nullable=True),
    sa.Column('wall_s', sa.Float(), nullable=True),
    sa.Column('seed', sa.Integer(), nullable=True),
    sa.Column('workers', sa.Integer(), nullable=True),
    sa.Column('stats', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['schedules.id'], name=op.f('fk_schedules_parent_id_schedules')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_schedules_plan_id_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schedules')),
    sa.UniqueConstraint('month', 'version', name=op.f('uq_schedules_month_version'))
    )
    with op.batch_alter_table('schedules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_schedules_month'), ['month'], unique=False)

    op.create_table('stations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('province_code', sa.String(length=12), nullable=False),
    sa.Column('district_code', sa.String(length=12), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_stations_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stations')),
    sa.UniqueConstraint('unit_id', name=op.f('uq_stations_unit_id'))
    )
    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stations_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_stations_district_code'), ['district_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_stations_province_code'), ['province_code'], unique=False)

    op.create_table('airings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('schedule_id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('session', sa.String(length=40), nullable=False),
    sa.Column('start', sa.String(length=5), nullable=False),
    sa.Column('capacity_s', sa.Integer(), nullable=False),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['schedule_id'], ['schedules.id'], name=op.f('fk_airings_schedule_id_schedules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_airings_station_id_stations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_airings')),
    sa.UniqueConstraint('schedule_id', 'station_id', 'date', 'session', name=op.f('uq_airings_schedule_id_station_id_date_session'))
    )
    with op.batch_alter_table('airings', schema=None) as batch_op:
        batch_op.create_index('ix_airings_station_date', ['station_id', 'date'], unique=False)

    op.create_table('asrun',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('session', sa.String(length=40), nullable=False),
    sa.Column('segment', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('reported_by', sa.String(length=80), nullable=True),
    sa.Column('reported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_asrun_station_id_stations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asrun')),
    sa.UniqueConstraint('station_id', 'date', 'session', 'segment', name=op.f('uq_asrun_station_id_date_session_segment'))
    )
    with op.batch_alter_table('asrun', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_asrun_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_asrun_station_id'), ['station_id'], unique=False)

    op.create_table('bundles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('schedule_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['schedule_id'], ['schedules.id'], name=op.f('fk_bundles_schedule_id_schedules')),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_bundles_station_id_stations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bundles')),
    sa.UniqueConstraint('station_id', 'month', 'version', name=op.f('uq_bundles_station_id_month_version'))
    )
    with op.batch_alter_table('bundles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bundles_month'), ['month'], unique=False)
        batch_op.create_index(batch_op.f('ix_bundles_station_id'), ['station_id'], unique=False)

    op.create_table('download_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_download_tokens_station_id_stations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_download_tokens')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_download_tokens_token_sha256'))
    )
    with op.batch_alter_table('download_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_download_tokens_station_id'), ['station_id'], unique=False)

    op.create_table('schedule_stations',
    sa.Column('schedule_id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('shortfalls', sa.JSON(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['schedule_id'], ['schedules.id'], name=op.f('fk_schedule_stations_schedule_id_schedules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_schedule_stations_station_id_stations')),
    sa.PrimaryKeyConstraint('schedule_id', 'station_id', name=op.f('pk_schedule_stations'))
    )
    with op.batch_alter_table('schedule_stations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_schedule_stations_station_id'), ['station_id'], unique=False)

    op.create_table('airing_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('airing_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('segment_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('duration_s', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['airing_id'], ['airings.id'], name=op.f('fk_airing_items_airing_id_airings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], name=op.f('fk_airing_items_segment_id_segments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_airing_items')),
    sa.UniqueConstraint('airing_id', 'position', name=op.f('uq_airing_items_airing_id_position'))
    )
    with op.batch_alter_table('airing_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_airing_items_segment_id'), ['segment_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('airing_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_airing_items_segment_id'))

    op.drop_table('airing_items')
    with op.batch_alter_table('schedule_stations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_schedule_stations_station_id'))

    op.drop_table('schedule_stations')
    with op.batch_alter_table('download_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_download_tokens_station_id'))

    op.drop_table('download_tokens')
    with op.batch_alter_table('bundles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bundles_station_id'))
        batch_op.drop_index(batch_op.f('ix_bundles_month'))

    op.drop_table('bundles')
    with op.batch_alter_table('asrun', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_asrun_station_id'))
        batch_op.drop_index(batch_op.f('ix_asrun_date'))

    op.drop_table('asrun')
    with op.batch_alter_table('airings', schema=None) as batch_op:
        batch_op.drop_index('ix_airings_station_date')

    op.drop_table('airings')
    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stations_province_code'))
        batch_op.drop_index(batch_op.f('ix_stations_district_code'))
        batch_op.drop_index(batch_op.f('ix_stations_code'))

    op.drop_table('stations')
    with op.batch_alter_table('schedules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_schedules_month'))

    op.drop_table('schedules')
    op.drop_table('rules')
    op.drop_table('users')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_units_province_code'))
        batch_op.drop_index(batch_op.f('ix_units_parent_id'))
        batch_op.drop_index(batch_op.f('ix_units_district_code'))
        batch_op.drop_index(batch_op.f('ix_units_code'))

    op.drop_table('units')
    with op.batch_alter_table('session_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_templates_scope'))

    op.drop_table('session_templates')
    with op.batch_alter_table('segments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_segments_sha256'))
        batch_op.drop_index(batch_op.f('ix_segments_scope'))
        batch_op.drop_index(batch_op.f('ix_segments_kind'))

    op.drop_table('segments')
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plans_year'))

    op.drop_table('plans')
    op.drop_table('jobs')
    with op.batch_alter_table('blackouts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_blackouts_scope'))

    op.drop_table('blackouts')
