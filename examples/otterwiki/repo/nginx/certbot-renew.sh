#!/bin/sh
# Stand-in for the guide's nginx/certbot-renew.sh: renews the certificate
# of OTTERWIKI_DOMAIN with certbot's container (standalone on port 8080,
# which the host's firewall reaches from port 80) into the letsencrypt
# volume, and restarts the stack's nginx when a certificate was received.
set -e
. ../.env.prod.nginx
cd "$OTTERWIKI_CONTEXT"
set +e
docker run --rm --name certbot -p 8080:80 -v "$OTTERWIKI_VOLUME:/etc/letsencrypt:rw" \
  certbot/certbot:latest certonly --standalone --non-interactive --agree-tos \
  --email "$OTTERWIKI_CERTBOT_EMAIL" -d "$OTTERWIKI_DOMAIN" | grep "Successfully received certificate"
if [ $? -eq 0 ]; then
  docker compose -f docker-compose.prod.yml restart nginx || echo "nginx container not running, not restarting it"
fi
