import { describe, expect, it } from 'vitest';
import { list, parseCommand, renderHelp, UsageError, type CommandSpec } from './args.js';

const spec: CommandSpec = {
  name: 'demo',
  summary: 'a demo',
  usage: ['demo <file>'],
  description: 'Does a demo.',
  options: { json: { type: 'boolean', help: 'json' }, roles: { type: 'string', multiple: true, value: '<a,b>', help: 'roles' } },
  positionals: { min: 1, max: 1 },
  exitCodes: [[0, 'ok'], [64, 'usage']],
};

describe('parseCommand', () => {
  it('parses options and positionals', () => {
    const parsed = parseCommand(spec, ['f.yaml', '--json', '--roles', 'a,b', '--roles', 'c']);
    expect(parsed.help).toBe(false);
    if (!parsed.help) {
      expect(parsed.positionals).toEqual(['f.yaml']);
      expect(list(parsed.values, 'roles')).toEqual(['a', 'b', 'c']);
    }
  });
  it('turns unknown options, missing values and wrong argument counts into usage errors', () => {
    expect(() => parseCommand(spec, ['f', '--nope'])).toThrow(UsageError);
    expect(() => parseCommand(spec, ['f', '--roles'])).toThrow(/--roles/);
    expect(() => parseCommand(spec, [])).toThrow(/missing argument/);
    expect(() => parseCommand(spec, ['a', 'b'])).toThrow(/unexpected "b"/);
  });
  it('answers --help before checking arguments', () => {
    expect(parseCommand(spec, ['--help'])).toEqual({ help: true });
  });
});

describe('renderHelp', () => {
  it('lists usage, options, exit codes', () => {
    const help = renderHelp(spec);
    expect(help).toContain('Usage: experience-plugins demo <file>');
    expect(help).toMatch(/--roles <a,b>\s+roles \(repeatable\)/);
    expect(help).toContain('  64  usage');
  });
});
