import * as ort from 'onnxruntime-node';
import { planProviders, type ProviderName } from './providers';

export interface OpenedSession {
  session: ort.InferenceSession;
  provider: ProviderName;
  notes: string[];
}

/**
 * Creates a session on the first provider in the user's order that loads the model, falling back along
 * the list (CPU last). `onTry` is told each provider before it is tried (and null once one loaded), so that if the native runtime
 * takes the whole process down, the parent knows which provider did it. `options` carries the
 * confinement of external data (./confine.ts).
 */
export async function openSession(bytes: Uint8Array, requested: readonly string[], onTry?: (p: ProviderName | null) => void, options: ort.InferenceSession.SessionOptions = {}): Promise<OpenedSession> {
  const plan = planProviders(requested, process.platform, ort.listSupportedBackends());
  const notes = plan.skipped.map((s) => `${s.name}: ${s.reason}`);
  const failures: string[] = [];
  for (const provider of plan.candidates) {
    onTry?.(provider);
    try {
      const session = await ort.InferenceSession.create(bytes, {
        ...options,
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
      });
      onTry?.(null);
      return { session, provider, notes: [...notes, ...failures] };
    } catch (e) {
      const msg = firstLine((e as Error).message);
      failures.push(`${provider}: could not load (${msg})`);
      if (provider === 'cpu') throw new Error(`ONNX Runtime rejected the model: ${msg}${failures.length > 1 ? ` (also tried: ${failures.slice(0, -1).join('; ')})` : ''}`);
    }
  }
  throw new Error('no execution provider could be tried');
}

function firstLine(s: string): string {
  const line = s.split('\n').find((l) => l.trim()) ?? s;
  return line.length > 300 ? line.slice(0, 300) + '…' : line;
}
