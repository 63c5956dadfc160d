"""Register the parties' models with the audit history."""

from auditlog.registry import auditlog

from kejin.apps.orgs.models import ApiToken, Organisation, User

auditlog.register(Organisation)
auditlog.register(User, exclude_fields=["password", "last_login"])
auditlog.register(ApiToken, exclude_fields=["token_hash", "last_used_at"])
