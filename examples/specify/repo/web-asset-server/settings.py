# The web asset server's settings (stand-in).
HOST = "0.0.0.0"
PORT = 80
SERVER_NAME = "media.recraft.me"
SERVER_PORT = 443
SERVER_PROTOCOL = "https"
BASE_DIR = "/root/Specify/AttachmentStorage"
