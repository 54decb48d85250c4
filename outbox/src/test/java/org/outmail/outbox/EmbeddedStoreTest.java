package org.outmail.outbox;

/** The store contract on the embedded SQLite store, in a file of a temporary directory. */
class EmbeddedStoreTest extends OutboxStoreContract {
  private int stores;

  @Override
  OutboxStore newStore() {
    return OutboxStore.embedded(temp.resolve("outbox-" + (stores++)));
  }
}
