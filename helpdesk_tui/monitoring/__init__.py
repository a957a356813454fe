"""Where server health comes from (技术维保服务 · 监控服务): adapters that fill
`helpdesk_tui.domain.health.ServerHealth`.

- `prometheus.PrometheusSource`: the primary source; one PromQL query per metric for all
  servers at once through the HTTP API.
- `node_exporter.ScrapeSource`: the fallback; scrapes each server's node_exporter page
  and computes rates from the previous scrape it remembers.
- `local.LocalSource`: the console's own host, through psutil.

They block on the network: call them from a worker thread, never on the UI loop. Every
call is bounded in time and size, and never raises on bad data or a bad server: what
went wrong becomes a line in `ServerHealth.problems`.
"""
