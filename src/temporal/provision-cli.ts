/**
 * `npm run provision`: makes sure the Temporal CLI is available (building it if needed, with progress
 * on stderr) and prints its path on stdout. CI runs it first so the long build shows on its own.
 */
import { TemporalCliRoute } from './cli-route';
import { ensureTemporalCli, ProvisionError } from './provision';

async function main(): Promise<void> {
  const controller = new AbortController();
  const abort = (): void => controller.abort(new ProvisionError('interrupted'));
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);

  const cli = await ensureTemporalCli({ onProgress: (line) => process.stderr.write(`[provision] ${line}\n`), signal: controller.signal });
  if (cli.route === TemporalCliRoute.SdkDownload) {
    process.stderr.write('[provision] no temporal CLI binary: the dev server will be downloaded by the Temporal SDK at start\n');
    process.stdout.write(`${cli.route}\n`);
    return;
  }
  const how = cli.build ? `, built via ${cli.build.route} in ${cli.build.seconds}s with ${cli.build.go}` : '';
  process.stderr.write(`[provision] temporal CLI (${cli.route}${how})\n`);
  process.stdout.write(`${cli.path}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[provision] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
