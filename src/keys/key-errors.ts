/** The deployment key opens the store's encryption but this store was locked with another key. */
export class WrongKeyError extends Error {
  constructor() {
    super('the deployment key does not open this store (wrong VIGIL_KEY or VIGIL_KEY_FILE?); nothing was written');
    this.name = 'WrongKeyError';
  }
}

/** The deployment key cannot be had: no key for a store that has one, a malformed key file, a lost salt. */
export class DeploymentKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeploymentKeyError';
  }
}

/** The SQLite file is open in another process, so it cannot be rewritten under a new key. */
export class StoreInUseError extends Error {
  constructor() {
    super('the SQLite store is open in another process (is Vigil running?): stop it and try again; nothing was changed');
    this.name = 'StoreInUseError';
  }
}
