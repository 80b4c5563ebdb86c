# Specify 7's local settings (stand-in): where it finds the asset and
# report servers.
WEB_ATTACHMENT_URL = "https://media.recraft.me/web_asset_store.xml"
WEB_ATTACHMENT_KEY = None
WEB_ATTACHMENT_COLLECTION = None
REPORT_RUNNER_HOST = "reports.recraft.me"
REPORT_RUNNER_PORT = "443"
