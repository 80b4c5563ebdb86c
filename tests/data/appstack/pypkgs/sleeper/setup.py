from setuptools import setup

setup(name="drover-app-sleeper", version="2.0", packages=["drover_app_sleeper"],
      install_requires=["drover-app-greeting>=1.0"])
