//! Prometheus metrics, every name prefixed `hallmark_`.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

/// The service's metrics and the registry that renders them.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    /// Requests by route and status.
    pub requests: IntCounterVec,
    /// Request latency by route.
    pub latency: HistogramVec,
    /// Verification results by state (`trusted`, `valid`, `invalid`, `none`, `error`).
    pub results: IntCounterVec,
    /// Bytes of files verified.
    pub bytes: IntCounter,
    /// Verifications running now.
    pub in_flight: IntGauge,
}

impl Metrics {
    /// Fresh metrics in their own registry.
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "hallmark_http_requests_total",
                "HTTP requests answered, by route and status",
            ),
            &["route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "hallmark_http_request_duration_seconds",
                "Time to answer an HTTP request, by route",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
            ]),
            &["route"],
        )?;
        let results = IntCounterVec::new(
            Opts::new(
                "hallmark_verify_results_total",
                "Files verified, by the state of their credentials",
            ),
            &["state"],
        )?;
        let bytes = IntCounter::new("hallmark_verified_bytes_total", "Bytes of files verified")?;
        let in_flight = IntGauge::new("hallmark_verify_in_flight", "Verifications running now")?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(results.clone()))?;
        registry.register(Box::new(bytes.clone()))?;
        registry.register(Box::new(in_flight.clone()))?;
        Ok(Metrics {
            registry,
            requests,
            latency,
            results,
            bytes,
            in_flight,
        })
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        // Encoding into memory cannot fail for these metric types.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }
}
