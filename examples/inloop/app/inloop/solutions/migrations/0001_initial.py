from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Solution",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("submitted", models.DateTimeField(auto_now_add=True)),
                ("passed", models.BooleanField(default=False)),
            ],
        ),
    ]
