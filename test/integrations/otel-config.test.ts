import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config.js'
import { AgentEventsError } from '../../src/errors.js'

describe('OpenTelemetry configuration', () => {
  it('is off without an endpoint', () => {
    expect(parseConfig({}).otel).toEqual({
      tracesEndpoint: undefined,
      headers: {},
      timeoutMs: 10_000,
      serviceName: 'agent-events',
      exportAttempts: 10,
      exportBackoffMs: 1000,
    })
  })

  it('sends to <OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces, unless the traces endpoint is given as is', () => {
    expect(parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).otel.tracesEndpoint).toBe(
      'http://collector:4318/v1/traces',
    )
    expect(
      parseConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/custom',
      }).otel.tracesEndpoint,
    ).toBe('https://traces.example.com/custom')
  })

  it('reads headers and timeouts the standard way, the traces-specific ones winning', () => {
    const { otel } = parseConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20abc, x-team=film',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-team=traces',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '3000',
    })
    expect(otel.headers).toEqual({ Authorization: 'Bearer abc', 'x-team': 'traces' })
    expect(otel.timeoutMs).toBe(3000)
    expect(parseConfig({ OTEL_EXPORTER_OTLP_TIMEOUT: '2000' }).otel.timeoutMs).toBe(2000)
  })

  it('refuses a malformed setting with invalid_config naming it', () => {
    for (const env of [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' },
      { OTEL_EXPORTER_OTLP_HEADERS: 'no-value' },
      { OTEL_EXPORTER_OTLP_HEADERS: 'bad key=1' },
      { TRACE_EXPORT_ATTEMPTS: '0' },
    ]) {
      const name = Object.keys(env)[0] ?? ''
      expect(() => parseConfig(env)).toThrow(AgentEventsError)
      expect(() => parseConfig(env)).toThrow(name)
    }
  })
})
