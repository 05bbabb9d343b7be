"""API serializers of the competitive selection. They read only what the view hands them (no queries)."""

from decimal import Decimal

from rest_framework import serializers

from accounts.models import Department, User
from selection.models import Appeal, Criterion, Offer, Selection, SelectionEvent, SelectionSettings, TieBreak


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "name", "description", "weight", "max_score", "position"]
        read_only_fields = ["id"]


class CriterionWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=300, allow_blank=True, default="")
    weight = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0.01"))
    max_score = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0.01"))
    position = serializers.IntegerField(min_value=0, max_value=1000, default=0)


class SelectionRulesSerializer(serializers.ModelSerializer):
    department = serializers.PrimaryKeyRelatedField(read_only=True)
    committee = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = SelectionSettings
        fields = [
            "department",
            "tie_break",
            "first_mobility_points",
            "fewer_opportunities_points",
            "minimum_score",
            "acceptance_days",
            "appeal_days",
            "committee",
        ]


class SelectionRulesWriteSerializer(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    tie_break = serializers.ChoiceField(choices=TieBreak.choices, default=TieBreak.BONUS_GPA_SUBMITTED)
    first_mobility_points = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=Decimal("0"), default=Decimal("0")
    )
    fewer_opportunities_points = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=Decimal("0"), default=Decimal("0")
    )
    minimum_score = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal("0"), default=Decimal("0")
    )
    acceptance_days = serializers.IntegerField(min_value=1, max_value=60, default=7)
    appeal_days = serializers.IntegerField(min_value=1, max_value=60, default=7)
    committee = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), many=True)


class CallSelectionSerializer(serializers.Serializer):
    """A competitive call's published selection rules: what applicants read with the call."""

    call = serializers.IntegerField()
    rules = SelectionRulesSerializer(allow_null=True)
    criteria = CriterionSerializer(many=True)
    selection = serializers.IntegerField(allow_null=True, help_text="The call's live selection result, if any.")


class ScoreWriteSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    criterion = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True, min_value=Decimal("0"))


class ScoreSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    criterion = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    scored_by = serializers.IntegerField(help_text="How many committee members scored this cell.")


class BonusWriteSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    first_mobility = serializers.BooleanField()
    fewer_opportunities = serializers.BooleanField()


class BonusSerializer(serializers.Serializer):
    application = serializers.IntegerField(source="application_id")
    first_mobility = serializers.BooleanField()
    fewer_opportunities = serializers.BooleanField()


class SheetRowSerializer(serializers.Serializer):
    application = serializers.IntegerField(source="application.pk")
    applicant = serializers.CharField(source="application.applicant.get_full_name")
    gpa = serializers.DecimalField(source="application.gpa", max_digits=4, decimal_places=2, allow_null=True)
    scores = serializers.SerializerMethodField()
    first_mobility = serializers.BooleanField()
    fewer_opportunities = serializers.BooleanField()

    def get_scores(self, row) -> dict[str, str | None]:
        """criterion id -> the caller's score (null: not scored by them yet)."""
        return {str(key): (str(value) if value is not None else None) for key, value in row.mine.items()}


class SelectionEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = SelectionEvent
        fields = ["id", "created_at", "actor", "action", "step", "comment", "status_before", "status_after", "data"]

    def get_actor(self, event) -> str | None:
        return event.actor.get_username() if event.actor_id else None


class SelectionDetailSerializer(serializers.ModelSerializer):
    call = serializers.IntegerField(source="call_id")
    department = serializers.IntegerField(source="department_id")
    result = serializers.JSONField(
        help_text="The ranking (each applicant's score, outcome, place and reasons) and each partner's holders and "
        "reserve list; frozen once published."
    )

    class Meta:
        model = Selection
        fields = ["id", "call", "department", "status", "result", "result_sha256", "run_at", "published_at"]


class TaskSelectionSerializer(serializers.ModelSerializer):
    call = serializers.IntegerField(source="call_id")

    class Meta:
        model = Selection
        fields = ["id", "call", "status", "result_sha256"]


class OfferSerializer(serializers.ModelSerializer):
    application = serializers.IntegerField(source="application_id")
    call = serializers.CharField(source="application.call.title")
    partner = serializers.CharField(source="place.partner.name")

    class Meta:
        model = Offer
        fields = ["id", "application", "call", "partner", "status", "from_reserve", "offered_at", "respond_by"]


class OfferDeclineSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, default="", max_length=2000)


class AppealSerializer(serializers.ModelSerializer):
    application = serializers.IntegerField(source="application_id")
    selection = serializers.IntegerField(source="selection_id")

    class Meta:
        model = Appeal
        fields = ["id", "application", "selection", "status", "reason", "created_at", "decided_at"]


class AppealCreateSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    reason = serializers.CharField(max_length=5000)
