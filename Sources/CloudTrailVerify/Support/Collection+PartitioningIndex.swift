extension RandomAccessCollection {
    /// The first index whose element satisfies `belongsInSecondPart`, for a collection in which every
    /// element that does comes after every element that does not (a binary search: the project's only one).
    func partitioningIndex(where belongsInSecondPart: (Element) throws -> Bool) rethrows -> Index {
        var low = startIndex
        var count = self.count
        while count > 0 {
            let half = count / 2
            let middle = index(low, offsetBy: half)
            if try belongsInSecondPart(self[middle]) {
                count = half
            } else {
                low = index(after: middle)
                count -= half + 1
            }
        }
        return low
    }
}
