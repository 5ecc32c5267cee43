/**
 * The one Chromium launcher of the browser suites: Debian's `/usr/bin/chromium` (or the
 * `CHROMIUM_PATH` environment variable) driven headless by playwright-core — no browser
 * download, no network beyond loopback.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Where Chromium is looked for: `CHROMIUM_PATH`, else Debian's chromium package. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for a root, offline, headless run: no sandbox (root), no background network (updates,
 * safe browsing, metrics, component downloads), no first-run UI.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--disable-sync',
  '--metrics-recording-only',
  '--no-first-run',
  '--no-default-browser-check',
  '--safebrowsing-disable-auto-update',
  '--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication',
];

/** WebGL (and WebGPU where exposed) through Chromium's software renderer: ANGLE on SwiftShader. */
export const SWIFTSHADER_ARGS: readonly string[] = [
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--enable-unsafe-webgpu',
];

/** {@link CHROMIUM_PATH} when the file is there, else null (the browser tests skip then). */
export function chromiumPath(): string | null {
  return existsSync(CHROMIUM_PATH) ? CHROMIUM_PATH : null;
}

export interface LaunchOptions {
  /** 'swiftshader' adds {@link SWIFTSHADER_ARGS} (software WebGL / WebGPU); default 'swiftshader'. */
  gpu?: 'swiftshader' | 'none';
  /** More flags, after the others. */
  args?: readonly string[];
}

/** Launches headless Chromium from {@link CHROMIUM_PATH}; throws a clear message when absent. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const executablePath = chromiumPath();
  if (executablePath === null) throw new Error(`chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  const args = [...CHROMIUM_ARGS, ...((options.gpu ?? 'swiftshader') === 'swiftshader' ? SWIFTSHADER_ARGS : []), ...(options.args ?? [])];
  return chromium.launch({ executablePath, headless: true, args });
}
