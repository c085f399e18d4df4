/**
 * The value of one sample of a Prometheus text exposition: the metric `name` with exactly these labels
 * (none: the unlabelled sample). Undefined when there is no such sample.
 * @example sampleValue(text, 'agent_events_delivered_total', { protocol: 'raw' }) // 2000
 */
export function sampleValue(
  text: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .sort()
    .join(',')
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!match || match[1] !== name) continue
    const present = (match[2] ?? '')
      .split(/,(?=[a-zA-Z_]+=")/)
      .filter((pair) => pair !== '')
      .sort()
      .join(',')
    if (present === wanted) return Number(match[3])
  }
  return undefined
}
