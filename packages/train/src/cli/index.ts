export { main, version, EXIT_OK, EXIT_FAILURE, EXIT_USAGE } from './main.ts';
export { defineCommand, type Command, type CommandContext, type CliIO, type OptionSpec, type OptionSpecs, type OptionValues, type PositionalSpec } from './command.ts';
export { usageError, positiveInt, choice, existingFile, existingDir, outputFile, exclusive } from './flags.ts';
export { COMMANDS } from './commands/index.ts';
