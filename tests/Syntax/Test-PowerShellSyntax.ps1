<#
.SYNOPSIS
    Parses PowerShell files with PowerShell's own parser and reports every syntax error with its
    file, line and column. Exits 1 when any file has an error.
.EXAMPLE
    pwsh -NoProfile -File tests/Syntax/Test-PowerShellSyntax.ps1 build.ps1 examples/cluster-owners.ps1
#>
param(
    [Parameter(Mandatory, ValueFromRemainingArguments)]
    [string[]] $Path
)
$problems = 0
foreach ($file in $Path) {
    $tokens = $null
    $errors = $null
    [System.Management.Automation.Language.Parser]::ParseFile((Resolve-Path -LiteralPath $file).ProviderPath, [ref] $tokens, [ref] $errors) | Out-Null
    foreach ($e in $errors) {
        $problems++
        [Console]::Error.WriteLine(('{0}:{1}:{2}: {3}' -f $file, $e.Extent.StartLineNumber, $e.Extent.StartColumnNumber, $e.Message))
    }
}
"PowerShell syntax: $($Path.Count) files checked, $problems problems"
exit ([int]($problems -gt 0))
