import Datasets
@testable import Marketplace
import TestSupport
import Testing

/// Each rule that lets a search skip work, deliberately made wrong, makes the index disagree
/// with brute force on the oracle's own random queries: proof that the oracle tests would catch
/// a wrong rule, not only a wrong answer the rules never touch.
@Suite struct LoosenedRuleTests {
    @Test(arguments: SearchQuery.LoosenedRule.allCases)
    func theOracleCatchesALoosenedRule(rule: SearchQuery.LoosenedRule) throws {
        let generator = QueryGenerator(dataset: TestData.allCities, now: TestData.now)
        var rng = SeededRandom(seed: 1000)
        var caught = 0, exact = 0
        for n in 0..<300 {
            var query = generator.query(&rng)
            query.plan = PlanChoice.allCases[n % PlanChoice.allCases.count]
            let expected = Array(OracleTests.oracle.search(query).prefix(query.limit).map(\.sessionId))
            if try OracleTests.index.search(query).results.map(\.sessionId) == expected { exact += 1 }
            query.loosened = rule
            if try OracleTests.index.search(query).results.map(\.sessionId) != expected { caught += 1 }
        }
        #expect(exact == 300, "the exact rules agree with brute force")
        #expect(caught > 0, "loosened, the rule must change some answer")
    }
}
