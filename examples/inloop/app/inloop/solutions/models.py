from django.db import models


class Solution(models.Model):
    """A submitted solution (the stand-in's one model)."""

    submitted = models.DateTimeField(auto_now_add=True)
    passed = models.BooleanField(default=False)
