/// The reconciliation loop: drains the journal's pending changes into HubSpot.
///
/// Its decisions live in ``StateMachine`` (pure, tested without I/O); this type performs the
/// actions the machine returns.
public enum Reconciler {}
