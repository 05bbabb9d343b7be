"""The partner registry moves here from `agreements`, rows and all: the tables keep their names
(`db_table`), so this migration changes only Django's state, never the database's tables. The content
types (and so the permissions, e.g. `view_partnerinstitution`, and admin log entries) follow the models
to the new app label. agreements 0005 removes the models from agreements' state afterwards."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

MODELS = ("partnerinstitution", "organisationalunit", "partnercontact")


def content_types_to(source: str, target: str):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        for model in MODELS:
            # On a database migrated from zero there is nothing to move yet (post_migrate creates the
            # content types afterwards); where the target already exists, the old row is left alone.
            if ContentType.objects.using(db).filter(app_label=target, model=model).exists():
                continue
            ContentType.objects.using(db).filter(app_label=source, model=model).update(app_label=target)
        ContentType.objects.clear_cache()

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        # The migration that gave the registry's tables their present shape.
        ("agreements", "0002_agreements"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='PartnerInstitution',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=255, verbose_name='name (English)')),
                        ('name_az', models.CharField(blank=True, max_length=255, verbose_name='name (Azerbaijani)')),
                        ('country', models.CharField(help_text='ISO 3166-1 alpha-2 code', max_length=2, validators=[django.core.validators.RegexValidator('^[A-Z]{2}$', 'Enter a two-letter ISO country code such as “DE”.')], verbose_name='country')),
                        ('city', models.CharField(max_length=120, verbose_name='city')),
                        ('erasmus_code', models.CharField(blank=True, max_length=20, null=True, unique=True, validators=[django.core.validators.RegexValidator('^[A-Z]{1,3} {0,2}[A-Z\\-]{2,12}[0-9]{2,3}$', 'Enter an Erasmus code such as “D  BERLIN01”.')], verbose_name='Erasmus code')),
                        ('schac_code', models.CharField(blank=True, max_length=253, null=True, unique=True, validators=[django.core.validators.RegexValidator('^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$', 'Enter a SCHAC code such as “uni-example.edu”.')], verbose_name='SCHAC code')),
                        ('website', models.URLField(blank=True, verbose_name='website')),
                    ],
                    options={
                        'verbose_name': 'partner institution',
                        'verbose_name_plural': 'partner institutions',
                        'db_table': 'agreements_partnerinstitution',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='PartnerContact',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('role', models.CharField(blank=True, max_length=200, verbose_name='role')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='email')),
                        ('phone', models.CharField(blank=True, max_length=50, verbose_name='phone')),
                        ('partner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contacts', to='partners.partnerinstitution')),
                    ],
                    options={
                        'verbose_name': 'partner contact',
                        'verbose_name_plural': 'partner contacts',
                        'db_table': 'agreements_partnercontact',
                        'ordering': ['partner', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='OrganisationalUnit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=255, verbose_name='name')),
                        ('partner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='units', to='partners.partnerinstitution')),
                    ],
                    options={
                        'verbose_name': 'organisational unit',
                        'verbose_name_plural': 'organisational units',
                        'db_table': 'agreements_organisationalunit',
                        'ordering': ['partner', 'name'],
                        'constraints': [models.UniqueConstraint(fields=('partner', 'name'), name='unit_unique_name_per_partner')],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_to("agreements", "partners"), content_types_to("partners", "agreements")),
    ]
