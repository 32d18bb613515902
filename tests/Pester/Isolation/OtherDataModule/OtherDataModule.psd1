@{
    RootModule        = 'OtherDataModule.dll'
    ModuleVersion     = '1.0.0'
    GUID              = 'b5b0f1f4-6a39-4f57-9d55-2f1f0c6b9a11'
    Description       = 'Test module: other versions of Microsoft.Data.SqlClient, Microsoft.Data.Sqlite and Newtonsoft.Json in the default load context.'
    PowerShellVersion = '7.4'
    CmdletsToExport   = @('Test-OtherDataModule')
    FunctionsToExport = @()
    VariablesToExport = @()
    AliasesToExport   = @()
}
