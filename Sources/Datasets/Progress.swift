/// Hears how far a long step has got: the step's name, the work done and the work there is
/// (in whatever unit the step counts: gyms, bytes). Called every so often, not for every item,
/// from the thread doing the work.
public typealias ProgressReport = @Sendable (_ step: String, _ done: Int, _ total: Int) -> Void
