// Jest runs tests in a fresh VM context whose Symbol lacks Node 20's Symbol.dispose
// (needed by `using`); define it there, as Node does in the main context.
const S = Symbol as unknown as { dispose?: symbol; asyncDispose?: symbol };
S.dispose ??= Symbol.for('nodejs.dispose');
S.asyncDispose ??= Symbol.for('nodejs.asyncDispose');
