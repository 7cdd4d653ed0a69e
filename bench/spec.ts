/** The contract between bench/run.ts and the load process bench/load.ts (JSON over a file / stdout). */

export type Scenario = 'baseline' | 'start' | 'check';

export interface CheckTarget {
  id: string;
  code: string; // the code the sandbox delivered; load.ts deliberately sends a different one
}

export interface LoadSpec {
  scenario: Scenario;
  url: string; // http://127.0.0.1:<port>
  connections: number;
  durationS: number;
  warmupS: number;
  authorization?: string; // "Basic …" for Verity
  checks?: CheckTarget[]; // scenario "check" only
}

export interface LoadResult {
  scenario: Scenario;
  durationS: number;
  requests: number;
  rps: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMeanMs: number;
  non2xx: number;
  errors: number; // connection errors, including timeouts
  timeouts: number;
  statusCodes: Record<string, number>;
}
