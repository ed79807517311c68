import { Command, CommanderError } from 'commander';
import { registerValidate } from './commands/validate.js';
import { registerUpload } from './commands/upload.js';
import { registerStatus } from './commands/status.js';
import { registerReview } from './commands/review.js';
import { registerScreen } from './commands/screen.js';
import { registerRescreen } from './commands/rescreen.js';

/**
 * `intake`: the command line for carriers, reviewers and ops. Each command lives in its own
 * module under cli/commands and registers itself here.
 */
const program = new Command();
program
  .name('intake')
  .description('Manifest Intake: validate, upload and follow air cargo and parcel manifests')
  .showHelpAfterError()
  // Usage errors exit 2 like any command that cannot run (commander would exit 1, which the
  // review commands keep for "not allowed"). Subcommands inherit this.
  .exitOverride();

// Every command that talks to AWS would start with the SDK's notice that it needs Node 22 from
// 2027: noise on stderr, where the command's own errors go (`npm start` quiets it too).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Output piped into a reader that stops early (`| head`) is not an error of the command.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit();
});

registerValidate(program);
registerUpload(program);
registerStatus(program);
registerReview(program);
registerScreen(program);
registerRescreen(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // commander has printed the usage error (or the help or version asked for).
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    // A command that could not run at all: say why, exit 2 (1 is kept for "not allowed").
    process.stderr.write(`intake: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}
