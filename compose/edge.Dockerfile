# The edge as an image of its own, for Kubernetes (deploy/kubernetes/edge.yaml), where nothing is
# mounted from a checkout: nginx with compose/nginx/edge.kubernetes.conf, the parts it shares with
# the other edges, and the web UI. The allowed origins and the client rate (cors-origins.conf,
# client-rate.conf) are defaults the deployment replaces from a ConfigMap. Build from the root:
#   docker build -f compose/edge.Dockerfile -t orchestrator-edge .
FROM nginx:1.27-bookworm
COPY compose/nginx/edge-http.conf compose/nginx/edge-server.conf compose/nginx/edge-headers.conf \
     compose/nginx/cors-origins.conf compose/nginx/client-rate.conf /etc/nginx/
COPY compose/nginx/edge.kubernetes.conf /etc/nginx/nginx.conf
COPY web/ /srv/web/
# nginx's own unprivileged user; its pid and temporary files go to /tmp (a writable volume).
USER 101:101
EXPOSE 8080
