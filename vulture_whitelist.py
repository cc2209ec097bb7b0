"""Names vulture cannot see used: model columns, attributes read by Jinja templates,
framework hooks (Flask, Flask-Login, WTForms, SQLAlchemy) and names read only by tests.
Regenerate the candidates with `vulture --make-whitelist` and keep only what is really used."""

# ruff: noqa
create_app  # listening/__init__.py:16
_.request_class  # listening/__init__.py:26
_.jinja_options  # listening/__init__.py:52
_.login_view  # listening/__init__.py:72
_.login_message  # listening/__init__.py:73
_.login_message_category  # listening/__init__.py:74
_.is_active  # listening/accounts/models.py:37
last_used_at  # listening/accounts/models.py:58
set_active  # listening/accounts/operations.py:158
href  # listening/accounts/tour.py:21 (read by templates/accounts/_tour.html)
_.misses  # listening/assembly/cache.py:42
_.misses  # listening/assembly/cache.py:49
baseline_y  # listening/assembly/charts.py:17
target_y  # listening/assembly/charts.py:18
y_ticks  # listening/assembly/charts.py:19
_.polyline  # listening/assembly/charts.py:23
left  # listening/assembly/charts.py: read by templates/assembly/_macros.html
right  # listening/assembly/charts.py: read by templates/assembly/_macros.html
metric_chart  # listening/assembly/charts.py:37
_.pre_validate  # listening/assembly/forms.py:51
att_community_members  # listening/assembly/forms.py:111
att_community_leaders  # listening/assembly/forms.py:112
att_decision_makers  # listening/assembly/forms.py:113
att_facilitators  # listening/assembly/forms.py:114
att_other  # listening/assembly/forms.py:115
_.attendance_total  # listening/assembly/models.py:85
proposed_by_id  # listening/assembly/models.py:303
approved_by_id  # listening/assembly/models.py:306
withdrawn_at  # listening/assembly/models.py:310
derived  # listening/assembly/progress.py:29
_.approved_by_id  # listening/assembly/quotes.py:132
_.withdrawn_at  # listening/assembly/quotes.py:133
_.withdrawn_at  # listening/assembly/quotes.py:142
actor_id  # listening/audit.py:34
SECRET_KEY  # listening/config.py:14
DATABASE_URL  # listening/config.py:15
REDIS_URL  # listening/config.py:16
JOBS_EAGER  # listening/config.py:17
SQLALCHEMY_TRACK_MODIFICATIONS  # listening/config.py:17
SQLALCHEMY_ENGINE_OPTIONS  # listening/config.py:18
WTF_CSRF_TIME_LIMIT  # listening/config.py:19
SESSION_COOKIE_HTTPONLY  # listening/config.py:20
SESSION_COOKIE_SAMESITE  # listening/config.py:21
SESSION_COOKIE_SECURE  # listening/config.py:22
BEHIND_TLS  # listening/config.py:23
REMEMBER_COOKIE_SAMESITE  # listening/config.py:24
REMEMBER_COOKIE_HTTPONLY  # listening/config.py:25
PERMANENT_SESSION_LIFETIME  # listening/config.py:26
MAX_CONTENT_LENGTH  # listening/config.py:27
LOGIN_MAX_FAILURES  # listening/config.py:28
LOGIN_WINDOW_SECONDS  # listening/config.py:29
PASSWORD_MIN_LENGTH  # listening/config.py:30
API_RATE_LIMIT  # listening/config.py:31
API_RATE_LIMIT_PER_ADDRESS  # listening/config.py:32
PUBLIC_MIN_COUNT  # listening/config.py:33
ORIGINAL_TEXT_RETENTION_DAYS  # listening/config.py:34
THEMES_SEED  # listening/config.py:35
THEMES_HEARTBEAT_TIMEOUT  # listening/config.py:40, read through app.config
ASSEMBLY_CACHE_SECONDS  # listening/config.py:36
COMPRESS  # listening/config.py:37
DEFAULT_CAMPAIGN  # listening/config.py:38
TESTING  # listening/config.py:39
_.isolation_level  # listening/extensions.py:39
widget  # listening/formfields.py:12
option_widget  # listening/formfields.py:13
PEOPLE_TOTAL  # listening/intake/demo/reference.py:44
_.pre_validate  # listening/intake/forms.py:48
_.validate_responses  # listening/intake/forms.py:130
_.validate_date_to  # listening/intake/listing.py (WTForms inline validator)
_.validate_name  # listening/intake/forms_admin.py:60
ends_on  # listening/intake/models.py:42
logged_by_id  # listening/intake/models.py:108
erased_at  # listening/intake/models.py:166
Meta  # listening/privacy/forms.py:7
_.csp_nonce  # listening/security.py:47
reset  # listening/themes/embedding.py:183
reviewed_at  # listening/themes/models.py:43
reviewed_by_id  # listening/themes/models.py:44
reviewed_by  # listening/themes/models.py:51
created_by_id  # listening/themes/models.py:81
created_by  # listening/themes/models.py:89
_.duration_seconds  # listening/themes/models.py:95
merged_into  # listening/themes/models.py:126
reviewer_id  # listening/themes/models.py:152
_.reviewer_id  # listening/themes/operations.py:112
_.reviewed_at  # listening/themes/operations.py:356
_.reviewed_by_id  # listening/themes/operations.py:357
_.predict  # listening/themes/pipeline/assign.py:307
get_theme  # listening/themes/queries.py:66
unassigned  # listening/themes/workspace.py:32
map  # listening/themes/workspace.py:40
total_responses  # listening/themes/workspace.py:41
representatives  # listening/themes/workspace.py:130
FORM_RATE_LIMIT  # unused variable (listening/config.py:34)
PUBLIC_URL  # unused variable (listening/config.py:42)
EXTRA_HOSTS  # unused variable (listening/config.py:44)
MAIL_SERVER  # unused variable (listening/config.py:45)
MAIL_PORT  # unused variable (listening/config.py:46)
MAIL_USE_TLS  # unused variable (listening/config.py:47)
MAIL_USERNAME  # unused variable (listening/config.py:48)
MAIL_PASSWORD  # unused variable (listening/config.py:49)
MAIL_FROM  # unused variable (listening/config.py:50)
CONTACT_EMAIL  # unused variable (listening/config.py:51)
FOLLOW_CONFIRM_RATE_LIMIT  # unused variable (listening/config.py:52)
FOLLOW_CONFIRM_PER_CLIENT_LIMIT  # read by name in listening/follow/views.py
FOLLOW_CONFIRM_DAYS  # unused variable (listening/config.py:53)
_connect  # unused function (listening/follow/views.py:21)
updated_by_id  # unused variable (listening/pages/models.py:22)
updated_by  # unused variable (listening/pages/models.py:26)
_.updated_by_id  # unused attribute (listening/pages/operations.py:54)
__new__  # listening/themes/pipeline/discover.py: _Backend builds BERTopic's embedder class
verbose  # BERTopic's BaseEmbedder.embed(documents, verbose) signature
_.intra_op_num_threads  # onnxruntime.SessionOptions, read by the runtime
_.inter_op_num_threads  # onnxruntime.SessionOptions, read by the runtime
_.log_severity_level  # onnxruntime.SessionOptions, read by the runtime
_.forward  # torch.nn.Module.forward, called by the ONNX exporter
_.embed  # BERTopic calls BaseEmbedder.embed on _Backend's class
entities  # Presidio's EntityRecognizer.analyze(text, entities, nlp_artifacts) signature
_.validate_result  # Presidio's PatternRecognizer hook (check digits)
OPEN_DATA_LICENCE  # config key read through app.config (listening/assembly/opendata.py)
OPEN_DATA_LICENCE_URL  # config key read through app.config (listening/assembly/opendata.py)
interval_days  # Timeliness field read by templates/assembly/_macros.html
days_overdue  # Timeliness field read by templates/assembly/_macros.html
from_redacted  # ReredactReport fields: printed as JSON by `privacy reredact` and audited
quotes_withdrawn
sub_themes_rewritten
embeddings_forgotten
archived_by_id  # Pledge.archived_by_id column (listening/assembly/models.py)
archived_by  # relationship read by templates/assembly/staff/show_pledge.html
_.archived_by_id  # set by assembly.operations.removal archive/restore
heading  # Confirmation fields read by templates/confirm.html
button
caption
undoable
THEMES_ROUND_MATCH_THRESHOLD  # listening/config.py: read by themes.rounds.match_threshold
people_total  # listening/intake/demo/round2024.py: the demo's figure, checked by tests
difference  # listening/themes/rounds.py: Change.difference, used by compare_rounds.html
warm_models  # called by gunicorn.conf.py's post_worker_init (outside listening/)
WARM_MODELS  # config key read through app.config (gunicorn.conf.py)
variants  # queue.Group property read by templates/themes/needs_review.html
INDEX_NAME  # themes.search: the PostgreSQL index migration 0014 makes; tests/test_migrations.py reads it
residents  # report content fields read by templates/report/_content.html
made_on
tracker_url
_.fetch  # WeasyPrint's URLFetcher.fetch, overridden by report.pdf.StaticFilesOnly
safeguarding_version  # Response column: which detector flagged the answer (kept for the lead, tests)
closed_at  # SafeguardingCase fields read by templates/intake/safeguarding_case.html
closed_by
seen_by
beats  # Heartbeat: how many beats a run's thread wrote (read by tests/themes/test_heartbeat.py)
ERROR_TEXTS  # errors.py: messages for the catalogue only (shown through the `tr` filter)
remember_locale  # i18n.py: set on `g` by select_locale, read back with g.get() after the request
localize_callback  # flask-login reads it to translate its sign-in prompt
_.process_text  # Presidio's SpacyNlpEngine.process_text, overridden in redaction.engine (one parse)
RULES  # intake.redaction.languages: the name layer's rules, read by bench/redaction_languages.py
_.CACHE_DIR  # numba's config, read by numba's cache locator (listening/themes/pipeline/reduce.py)
start_background_work  # listening/__init__.py: called by gunicorn.conf.py's post_worker_init
no_personal_details  # listening/assembly/forms.py: ApproveQuoteForm field, read by name
no_risk_of_harm  # listening/assembly/forms.py: ApproveQuoteForm field, read by name
public_pledge  # listening/assembly/models.py: read by templates (show_theme, list_events, report)
process_formdata  # WTForms calls it on each field (intake and assembly WholeNumberField)
