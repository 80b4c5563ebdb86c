from setuptools import setup

setup(name="drover-app-greeting", version="1.0", packages=["drover_app_greeting"])
