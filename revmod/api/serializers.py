from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from revmod.registry.models import Adherence, Party


class AdherenceSerializer(serializers.ModelSerializer):
    instrument = serializers.CharField(source="instrument.code")

    class Meta:
        model = Adherence
        fields = ["instrument", "date", "action"]


class PartySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="label", help_text="In the language asked for.")
    # A party outside the regional groups (the European Union) has none.
    regional_group = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    instruments = serializers.SerializerMethodField()

    class Meta:
        model = Party
        fields = ["code", "name", "kind", "regional_group", "instruments"]

    @extend_schema_field(AdherenceSerializer(many=True))
    def get_instruments(self, party):
        return AdherenceSerializer(party.current_adherences, many=True).data
