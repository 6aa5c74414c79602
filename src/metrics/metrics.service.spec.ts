import { Metrics, UNMATCHED_ROUTE } from './metrics.service';

describe(Metrics.name, () => {
  it('exposes requests as a counter and a cumulative histogram per route, method and status', async () => {
    const metrics = new Metrics();
    metrics.observeRequest('/api/notes/:id', 'GET', 200, 0.004);
    metrics.observeRequest('/api/notes/:id', 'GET', 200, 0.02);
    metrics.observeRequest('/api/notes/:id', 'GET', 200, 7);
    metrics.observeRequest(UNMATCHED_ROUTE, 'GET', 404, 0.001);
    const text = await metrics.registry.metrics();
    const labels = 'route="/api/notes/:id",method="GET",status_code="200"';
    expect(text).toContain('# TYPE tollgate_http_requests_total counter');
    expect(text).toContain(`tollgate_http_requests_total{${labels}} 3`);
    expect(text).toContain('tollgate_http_requests_total{route="(unmatched)",method="GET",status_code="404"} 1');
    expect(text).toContain('# TYPE tollgate_http_request_duration_seconds histogram');
    // Le bounds are inclusive and cumulative (Prometheus histogram semantics).
    expect(text).toContain(`tollgate_http_request_duration_seconds_bucket{${labels},le="0.001"} 0`);
    expect(text).toContain(`tollgate_http_request_duration_seconds_bucket{${labels},le="0.005"} 1`);
    expect(text).toContain(`tollgate_http_request_duration_seconds_bucket{${labels},le="0.025"} 2`);
    expect(text).toContain(`tollgate_http_request_duration_seconds_bucket{${labels},le="5"} 2`);
    expect(text).toContain(`tollgate_http_request_duration_seconds_bucket{${labels},le="+Inf"} 3`);
    expect(text).toContain(`tollgate_http_request_duration_seconds_sum{${labels}} 7.024`);
    expect(text).toContain(`tollgate_http_request_duration_seconds_count{${labels}} 3`);
    expect(
      text.includes(
        'tollgate_http_request_duration_seconds_bucket{route="(unmatched)",method="GET",status_code="404",le="0.001"} 1',
      ),
    ).toBe(true);
  });

  it('keeps each instance apart: no global registry', async () => {
    const one = new Metrics();
    const two = new Metrics();
    one.tokenIssued('client_credentials');
    expect(await one.registry.metrics()).toContain('tollgate_tokens_issued_total{grant_type="client_credentials"} 1');
    expect(await two.registry.metrics()).not.toContain('grant_type="client_credentials"');
  });
});
