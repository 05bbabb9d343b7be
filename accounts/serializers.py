"""What the API's token endpoints read and answer. A token's key appears in one answer only, the one that made it."""

from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.lockout import LoginLockedOut
from accounts.models import ApiToken, Deputyship, User
from core.serializers import ErrorCodeField


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, write_only=True)
    client = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=_(
            "A name for the program or device the token is for, shown in your list of tokens (default: its User-Agent)."
        ),
    )

    def validate(self, attrs):
        # django-axes counts the failures by this request (Django's, not DRF's wrapper, which the lockout reads).
        http_request = self.context["request"]._request
        user = authenticate(http_request, username=attrs["username"], password=attrs["password"])
        if user is None:
            if getattr(http_request, "axes_locked_out", False):
                raise LoginLockedOut()
            # The same message for an unknown user, a wrong password and an inactive account.
            raise serializers.ValidationError(
                _("Unable to log in with this username and password."), code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenCreatedSerializer(serializers.ModelSerializer):
    token = serializers.CharField(
        read_only=True, help_text=_("The key, shown this once: send it as `Authorization: Token <key>`.")
    )

    class Meta:
        model = ApiToken
        fields = ["id", "token", "client", "created", "expiry"]
        read_only_fields = fields


class ApiTokenSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField(help_text=_("Whether this request was made with this token."))

    class Meta:
        model = ApiToken
        fields = ["id", "client", "created", "expiry", "last_used", "current"]
        read_only_fields = fields

    def get_current(self, token: ApiToken) -> bool:
        request = self.context.get("request")
        return isinstance(getattr(request, "auth", None), ApiToken) and request.auth.pk == token.pk


class AuthErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("What went wrong, in the user's language."))
    code = ErrorCodeField(help_text=_("`locked_out` for a login lockout, `throttled` for too many requests."))


class DeputyPersonSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name"]
        read_only_fields = fields

    def get_name(self, user: User) -> str:
        return user.get_full_name() or user.username


class DeputyshipSerializer(serializers.ModelSerializer):
    principal = DeputyPersonSerializer(read_only=True, help_text=_("The approver who is away."))
    deputy = DeputyPersonSerializer(read_only=True, help_text=_("Who acts on the approver's tasks meanwhile."))
    running = serializers.SerializerMethodField(help_text=_("Whether the deputy stands in today."))

    class Meta:
        model = Deputyship
        fields = ["id", "principal", "deputy", "starts_on", "ends_on", "cancelled_at", "running"]
        read_only_fields = fields

    def get_running(self, deputyship: Deputyship) -> bool:
        today = timezone.localdate()
        return deputyship.cancelled_at is None and deputyship.starts_on <= today <= deputyship.ends_on


class DeputyshipWriteSerializer(serializers.Serializer):
    deputy = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), help_text=_("The id of the approver who stands in.")
    )
    principal = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        help_text=_("The approver who is away: yourself by default; an administrator names deputies for others."),
    )
    starts_on = serializers.DateField(help_text=_("The first day (included)."))
    ends_on = serializers.DateField(help_text=_("The last day (included)."))
