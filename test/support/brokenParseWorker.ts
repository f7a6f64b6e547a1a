// A parse worker that fails before it is ready: a broken installation, not a hostile message.
throw new Error('cannot load the parser');
