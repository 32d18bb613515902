using System.Management.Automation;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Newtonsoft.Json;

namespace OtherDataModule;

/// <summary>Uses each library for real and says which version of it ran.</summary>
[Cmdlet(VerbsDiagnostic.Test, "OtherDataModule")]
[OutputType(typeof(PSObject))]
public sealed class TestOtherDataModuleCommand : PSCmdlet
{
    protected override void EndProcessing()
    {
        string sqliteVersion;
        using (var sqlite = new SqliteConnection("Data Source=:memory:"))
        {
            sqlite.Open();
            using var command = sqlite.CreateCommand();
            command.CommandText = "SELECT sqlite_version()";
            sqliteVersion = (string)command.ExecuteScalar()!;
        }

        var builder = new SqlConnectionStringBuilder { DataSource = "127.0.0.1,1", InitialCatalog = "master", ConnectTimeout = 1, Encrypt = SqlConnectionEncryptOption.Optional };
        using var sql = new SqlConnection(builder.ConnectionString);

        var json = JsonConvert.SerializeObject(new { sql.DataSource, sql.Database });

        var result = new PSObject();
        result.Properties.Add(new PSNoteProperty("SqliteVersion", sqliteVersion));
        result.Properties.Add(new PSNoteProperty("SqliteAssembly", typeof(SqliteConnection).Assembly.GetName().Version!.ToString()));
        result.Properties.Add(new PSNoteProperty("SqlClientAssembly", typeof(SqlConnection).Assembly.Location));
        result.Properties.Add(new PSNoteProperty("SqlClientVersion", typeof(SqlConnection).Assembly.GetName().Version!.ToString()));
        result.Properties.Add(new PSNoteProperty("NewtonsoftVersion", typeof(JsonConvert).Assembly.GetName().Version!.ToString()));
        result.Properties.Add(new PSNoteProperty("Json", json));
        WriteObject(result);
    }
}
