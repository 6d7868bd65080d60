/// Jain's fairness index of `values`: (Σx)² / (n·Σx²), 1 when everyone got the same, 1/n when
/// one got everything. 1 for no values or all zeros (nothing to be unfair about).
enum FairnessIndex {
    static func jain(_ values: [Double]) -> Double {
        let sum = values.reduce(0, +)
        let squares = values.reduce(0) { $0 + $1 * $1 }
        guard !values.isEmpty, squares > 0 else { return 1 }
        return sum * sum / (Double(values.count) * squares)
    }
}
