import { execFile } from 'node:child_process';

/** Execution providers ConvLens knows how to ask ONNX Runtime for, in the default order of preference. */
export const KNOWN_PROVIDERS = ['cuda', 'webgpu', 'dml', 'coreml', 'cpu'] as const;
export type ProviderName = (typeof KNOWN_PROVIDERS)[number];

export interface Backend {
  name: string;
  bundled: boolean;
}

export interface ProviderPlan {
  /** Providers to try, in order; 'cpu' is always last. */
  candidates: ProviderName[];
  /** Providers left out before trying, with the reason. */
  skipped: { name: string; reason: string }[];
}

const PLATFORMS: Record<ProviderName, readonly NodeJS.Platform[] | 'all'> = {
  cuda: ['linux', 'win32'],
  webgpu: 'all',
  dml: ['win32'],
  coreml: ['darwin'],
  cpu: 'all',
};

/**
 * Filters the user's list by platform and by what this onnxruntime-node build lists
 * (`listSupportedBackends()`). A provider listed as not bundled (CUDA, whose libraries are downloaded
 * separately) stays a candidate: only creating a session tells whether its libraries are present.
 * CPU is appended when missing, so a run always has somewhere to go.
 */
export function planProviders(requested: readonly string[], platform: NodeJS.Platform, backends: readonly Backend[]): ProviderPlan {
  const candidates: ProviderName[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const raw of requested) {
    const name = raw.trim().toLowerCase();
    if (!(KNOWN_PROVIDERS as readonly string[]).includes(name)) {
      skipped.push({ name: raw, reason: `unknown execution provider (known: ${KNOWN_PROVIDERS.join(', ')})` });
      continue;
    }
    const p = name as ProviderName;
    if (candidates.includes(p)) continue;
    const platforms = PLATFORMS[p];
    if (platforms !== 'all' && !platforms.includes(platform)) {
      skipped.push({ name: p, reason: `not available on ${platform}` });
      continue;
    }
    if (!backends.some((b) => b.name === p)) {
      skipped.push({ name: p, reason: 'not in this onnxruntime-node build' });
      continue;
    }
    candidates.push(p);
  }
  const cpu = candidates.indexOf('cpu');
  if (cpu >= 0) candidates.splice(cpu, 1);
  candidates.push('cpu');
  return { candidates, skipped };
}

/**
 * Name of the GPU, when one can be read without extra packages (nvidia-smi). Best effort: undefined when
 * the tool is absent or slow. ONNX Runtime's Node binding does not report the WebGPU adapter it chose.
 */
export function gpuName(timeoutMs = 3000): Promise<string | undefined> {
  return new Promise((resolve) => {
    try {
      execFile('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { timeout: timeoutMs }, (err, stdout) => {
        const first = err ? '' : stdout.split('\n')[0].trim();
        resolve(first || undefined);
      });
    } catch {
      resolve(undefined);
    }
  });
}

/** The short 'where it ran' text: 'cpu', or 'webgpu, NVIDIA H100 80GB HBM3'. */
export function describeProvider(provider: string, device?: string): string {
  return device && provider !== 'cpu' ? `${provider}, ${device}` : provider;
}
